"""Views of the earnings feature."""
from flask import Blueprint

bp = Blueprint("earnings", __name__)
