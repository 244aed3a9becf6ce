"""The portfolio blueprint, shared by its view modules."""
from flask import Blueprint

bp = Blueprint("portfolio", __name__)
