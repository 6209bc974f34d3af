"""How the tests reach the application: FastAPI's TestClient (httpx), no server needed."""
from fastapi.testclient import TestClient


def client_for(app):
    return TestClient(app)


def send(client, method, path, headers, content):
    """Sends one request; returns ``(status, headers, body bytes)``."""
    response = client.request(method, path, headers=headers, content=content)
    return response.status_code, response.headers, response.content


def settings_of(app):
    return app.state.config


def core_of(app):
    return app.state.core
