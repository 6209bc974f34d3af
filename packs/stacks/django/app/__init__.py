"""What this API does that depends neither on Django nor on the database, shared word for word with
the Flask and FastAPI back ends that the same generator writes: the resources and their fields
(``app/resources/``, ``app/schema.py``), the validation of bodies and query parameters, the
problems (errors), and the features' rules (accounts and tokens, live events, payment providers,
page views, uploaded files). Django's side is in ``api/``: models, migrations and views.
"""
