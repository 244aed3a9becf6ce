FROM python:3.11-slim
WORKDIR /srv/dip
COPY pyproject.toml README.md wsgi.py ./
COPY dip dip
COPY jobs jobs
COPY migrations migrations
COPY translations translations
RUN pip install --no-cache-dir . && pybabel compile -d translations
ENV FLASK_APP=wsgi
USER nobody
