"""Views of the curriculum feature."""
from flask import Blueprint

bp = Blueprint("curriculum", __name__)
