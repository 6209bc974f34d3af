"""How the tests reach the application: Flask's test client, no server needed."""


def client_for(app):
    return app.test_client()


def send(client, method, path, headers, content):
    """Sends one request; returns ``(status, headers, body bytes)``."""
    response = client.open(path, method=method, headers=headers, data=content)
    return response.status_code, response.headers, response.get_data()


def settings_of(app):
    return app.config


def core_of(app):
    return app.extensions["core"]
