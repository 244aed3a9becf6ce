"""Views of the outcomes feature."""
from flask import Blueprint

bp = Blueprint("outcomes", __name__)
