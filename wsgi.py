"""Entry point for `flask --app wsgi …` and for gunicorn (`gunicorn wsgi:app`)."""
from app import create_app
from app.core.runtime import settle

app = create_app()
settle()
