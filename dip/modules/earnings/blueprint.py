"""The earnings blueprint, shared by its view modules."""
from flask import Blueprint

bp = Blueprint("earnings", __name__)
