"""The assignments blueprint, shared by its two view modules."""
from flask import Blueprint

bp = Blueprint("assignments", __name__)
