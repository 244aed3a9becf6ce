"""Locust users for the load test (bench/load.py runs it): a learning centre's day.

Learners read lessons, take self-checks, save proposal drafts and write assignment drafts;
trainers open the grading queue, grade pages and progress grids; coordinators look at
income; reviewers look at the outcomes dashboard. Every user signs in through the real form
(CSRF on) and sends one-time tokens like a browser does. Page kinds are named so the report
can give latency per kind. Sign-in names come from the file in LOAD_USERS (JSON, per role).
"""
import json
import os
import random
import re
import secrets

from locust import HttpUser, between, task

USERS = json.loads(open(os.environ["LOAD_USERS"]).read()) if os.environ.get("LOAD_USERS") else {}
PASSWORD = os.environ.get("LOAD_PASSWORD", "bench-password")
CSRF_RE = re.compile(r'name="csrf_token"[^>]*? value="([^"]+)"')
LINK_RE = re.compile(r'href="(/[^"#?]*)"')
RADIO_RE = re.compile(r'type="radio" name="([^"]+)" value="([^"]+)"')
POINTS_RE = re.compile(r'name="(points-\d+)" min="0" max="(\d+)"')


class Person(HttpUser):
    """A signed-in person; subclasses say which role and what they do."""

    abstract = True
    role = ""
    wait_time = between(2, 8)  # reading and typing between clicks

    def on_start(self):
        self.username = random.choice(USERS[self.role])
        page = self.client.get("/login", name="sign-in").text
        self.csrf = CSRF_RE.search(page).group(1)
        self.client.post("/login", data={"username": self.username, "password": PASSWORD,
                                         "csrf_token": self.csrf}, name="sign-in")
        self.links = {}

    def page(self, url, kind):
        """GET a page, remember its links, return its HTML."""
        with self.client.get(url, name=kind, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} on {url} {response.error or ''}")
                return ""
            html = response.text
        match = CSRF_RE.search(html)
        if match:
            self.csrf = match.group(1)
        self.links[kind] = LINK_RE.findall(html)
        return html

    def post(self, url, kind, data):
        """POST a form the way a browser does: CSRF token and a fresh one-time token."""
        body = {"csrf_token": self.csrf, "once": secrets.token_hex(18), **data}
        with self.client.post(url, data=body, name=kind, catch_response=True,
                              allow_redirects=True) as response:
            if response.status_code >= 400 or response.status_code == 0:
                response.failure(f"{response.status_code} on {url} {response.error or ''}")

    def pick(self, kind, pattern):
        """A remembered link of page ``kind`` matching ``pattern``, if any."""
        found = [u for u in self.links.get(kind, []) if re.search(pattern, u)]
        return random.choice(found) if found else None


class Learner(Person):
    role = "learner"
    weight = 40

    @task(3)
    def home(self):
        self.page("/", "home")

    @task(8)
    def read_lesson(self):
        if not self.links.get("modules"):
            self.page("/learn/", "modules")
        module = self.pick("modules", r"^/learn/[\w-]+/$")
        if module:
            self.page(module, "module")
            lesson = self.pick("module", r"^/learn/[\w-]+/[\w-]+$")
            if lesson and not lesson.endswith("/offline"):
                html = self.page(lesson, "lesson")
                self.lesson, self.lesson_html = lesson, html

    @task(3)
    def self_check(self):
        html = getattr(self, "lesson_html", "")
        if not html:
            return
        answers = {}
        for name, value in RADIO_RE.findall(html):
            if name not in answers or random.random() < 0.4:
                answers[name] = value
        if answers:
            self.post(self.lesson + "/check", "self-check", answers)

    @task(3)
    def proposal_draft(self):
        html = self.page("/proposals/", "proposals")
        draft = self.pick("proposals", r"^/proposals/\d+$")
        if draft is None and html:
            self.page("/proposals/new", "proposal-form")  # the form a browser fills in
            self.post("/proposals/new", "proposal-new", {
                "job_title": "Translate a short leaflet from English to French",
                "client_description": "We need a careful translation of a two-page health "
                                      "leaflet for a clinic. Deadline: next week.",
                "budget_amount": "40", "budget_currency": "USD", "deadline": ""})
            return
        if draft:
            self.page(draft, "proposal")
            words = " ".join(random.choice(["I", "will", "translate", "your", "leaflet",
                                            "carefully", "by", "Friday", "."]) for _ in range(60))
            self.post(draft, "proposal-save", {"body": "Hello, " + words})

    @task(2)
    def assignment_draft(self):
        self.page("/assignments/", "assignments")
        assignment = self.pick("assignments", r"^/assignments/\d+$")
        if assignment:
            html = self.page(assignment, "assignment")
            if 'name="text"' not in html or 'type="file"' in html:
                return  # drafts are kept for written answers (a browser autosaves only those)
            self.post(assignment + "/draft", "assignment-draft",
                      {"text": "My answer, being written: " + secrets.token_hex(20)})

    @task(1)
    def submit_assignment(self):
        self.page("/assignments/", "assignments")
        assignment = self.pick("assignments", r"^/assignments/\d+$")
        if assignment:
            html = self.page(assignment, "assignment")
            if 'name="text"' in html and 'type="file"' not in html:
                self.post(assignment, "assignment-submit", {
                    "text": "Dear client, here is my work. " * 20, "action": "submit"})


class Trainer(Person):
    role = "trainer"
    weight = 4

    @task(3)
    def grading_queue(self):
        self.page("/grading/", "grading-queue")
        item = self.pick("grading-queue", r"^/grading/\d+$")
        if item:
            html = self.page(item, "grade")
            points = {name: str(random.randint(int(top) // 2, int(top)))
                      for name, top in POINTS_RE.findall(html)}
            if points:
                self.post(item, "grade-save", {**points, "action": "grade",
                                               "feedback": "Good work; check your spelling."})

    @task(1)
    def progress(self):
        self.page("/cohorts/", "cohorts")
        cohort = self.pick("cohorts", r"^/cohorts/\d+/$")
        if cohort:
            self.page(cohort + "progress", "progress-grid")
            self.page(cohort + "gradebook", "gradebook")

    @task(1)
    def home(self):
        self.page("/", "home")


class Coordinator(Person):
    role = "coordinator"
    weight = 2

    @task(3)
    def income(self):
        self.page("/cohorts/", "cohorts")
        cohort = self.pick("cohorts", r"^/cohorts/\d+/$")
        if cohort:
            self.page(cohort + "income", "cohort-income")

    @task(1)
    def outcomes(self):
        self.page("/outcomes/", "dashboard")


class Reviewer(Person):
    role = "reviewer"
    weight = 1

    @task
    def dashboard(self):
        self.page("/outcomes/", "dashboard")
        self.page("/outcomes/definitions", "definitions")
