"""The accounts blueprint, shared by its view modules."""
from flask import Blueprint

bp = Blueprint("accounts", __name__)
