"""Settings: ``base`` holds everything, the others adjust it per environment.

``local`` (the default of ``manage.py``) serves ``make run``; ``production`` is what a server
runs; ``test`` is what pytest loads.
"""
