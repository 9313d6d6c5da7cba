"""The demo store that `manage.py seed_demo` loads: tables of names, places, couriers and products
(names.py, places.py, couriers.py, catalogue.py, store.py), the plans of its purchases (plan.py),
the purchases replayed through the real transitions (build.py), written in bulk (rows.py), by
`seed_demo_store` (seed.py)."""
