"""Flask-WTF forms: they parse fields and check the CSRF token; services make the domain checks."""
