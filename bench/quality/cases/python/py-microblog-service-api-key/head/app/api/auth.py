import sqlalchemy as sa
from flask import current_app
from flask_httpauth import HTTPBasicAuth, HTTPTokenAuth
from app import db
from app.models import User
from app.api.errors import error_response

basic_auth = HTTPBasicAuth()
token_auth = HTTPTokenAuth()


@basic_auth.verify_password
def verify_password(username, password):
    user = db.session.scalar(sa.select(User).where(User.username == username))
    if user and user.check_password(password):
        return user


@basic_auth.error_handler
def basic_auth_error(status):
    return error_response(status)


def _service_user():
    """The account that requests made with the shared service key act as."""
    return db.session.scalar(sa.select(User).where(
        User.username == current_app.config['SERVICE_API_USER']))


@token_auth.verify_token
def verify_token(token):
    if not token:
        return None
    service_key = current_app.config.get('SERVICE_API_KEY')
    if service_key and token == service_key:
        return _service_user()
    user = User.check_token(token)
    if user is None:
        current_app.logger.info('API token rejected: %s', token)
    return user


@token_auth.error_handler
def token_auth_error(status):
    return error_response(status)
