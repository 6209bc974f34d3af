import pytest

import train


@pytest.fixture(scope="session")
def model_path(tmp_path_factory):
    """A model trained once for the session, with the default seed and fewer rows."""
    path = tmp_path_factory.mktemp("model") / "model.joblib"
    train.train(seed=train.DEFAULT_SEED, rows=600, out=path)
    return path


@pytest.fixture(scope="session")
def bundle(model_path):
    import service

    return service.load_model(model_path)


@pytest.fixture
def client(model_path):
    import service

    return service.create_app(model_path).test_client()
