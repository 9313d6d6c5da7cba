"""Writing many rows of a model quickly: one executemany INSERT per batch (COPY on PostgreSQL).

bulk_create costs about 100 µs a row here (it renders and quotes every value of every row), which
alone would take two minutes for the million rows of a 100,000-purchase store. This writes the
same rows through the cursor, each value adapted by the database backend's own adapter for its
field type (dates, decimals and JSON come out exactly as the ORM stores them), and the database's
constraints check every row as usual. Primary keys are given, so rows can point at each other
before they are written; `reset_sequences` moves PostgreSQL's sequences past them afterwards.
"""

from collections.abc import Sequence

from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, connections, models

# Values of these fields go to the database as they are.
PLAIN_FIELDS = (
    models.CharField,
    models.TextField,
    models.IntegerField,
    models.BooleanField,
    models.AutoField,
    models.BigAutoField,
    models.ForeignKey,
)


def _adapter(field: models.Field, connection):
    """The function that turns a Python value of this field into what the driver takes."""
    if isinstance(field, PLAIN_FIELDS):
        return None
    if isinstance(field, models.DateTimeField):
        return connection.ops.adapt_datetimefield_value
    if isinstance(field, models.DecimalField):
        adapt = connection.ops.adapt_decimalfield_value
        return lambda value: adapt(value, field.max_digits, field.decimal_places)
    return lambda value: field.get_db_prep_save(value, connection)


class TableWriter:
    """INSERTs tuples of values of `columns` (field names or attnames) into a model's table."""

    def __init__(
        self, model: type[models.Model], columns: Sequence[str], *, batch_size: int = 5000
    ):
        self.connection = connection = connections[DEFAULT_DB_ALIAS]
        meta = model._meta
        fields = [meta.get_field(name) for name in columns]
        named = {field.attname for field in fields}
        # Fields the demo does not set (e.g. added later) get their defaults, as Model() would.
        defaulted = [field for field in meta.concrete_fields if field.attname not in named]
        self.defaults = [field.get_default() for field in defaulted]
        every_field = fields + defaulted
        self.adapters = [
            (position, adapt)
            for position, adapt in enumerate(_adapter(field, connection) for field in every_field)
            if adapt is not None
        ]
        self.timestamps = {
            position
            for position, field in enumerate(every_field)
            if isinstance(field, models.DateTimeField)
        }
        quote = connection.ops.quote_name
        self.sql = "INSERT INTO {} ({}) VALUES ({})".format(
            quote(meta.db_table),
            ", ".join(quote(field.column) for field in every_field),
            ", ".join(["%s"] * len(every_field)),
        )
        # PostgreSQL takes rows fastest through COPY (psycopg adapts the values the same way).
        self.copy_sql = (
            "COPY {} ({}) FROM STDIN".format(
                quote(meta.db_table), ", ".join(quote(field.column) for field in every_field)
            )
            if connection.vendor == "postgresql"
            else None
        )
        self.batch_size = batch_size
        self.written = 0

    def write(self, rows: list[tuple]) -> None:
        defaults = self.defaults
        # Many rows of a batch share a time: each distinct one is adapted once.
        adapters = [
            (position, adapt, {} if position in self.timestamps else None)
            for position, adapt in self.adapters
        ]
        prepared = []
        for row in rows:
            values = [*row, *defaults]
            for position, adapt, seen in adapters:
                value = values[position]
                if value is None:
                    continue
                if seen is None:
                    values[position] = adapt(value)
                elif value in seen:
                    values[position] = seen[value]
                else:
                    values[position] = seen[value] = adapt(value)
            prepared.append(values)
        with self.connection.cursor() as cursor:
            if self.copy_sql:
                with cursor.cursor.copy(self.copy_sql) as copy:
                    for values in prepared:
                        copy.write_row(values)
            else:
                for start in range(0, len(prepared), self.batch_size):
                    cursor.executemany(self.sql, prepared[start : start + self.batch_size])
        self.written += len(prepared)


def next_id(model: type[models.Model]) -> int:
    """The first free primary key of a table."""
    top = model.objects.aggregate(top=models.Max("pk"))["top"]
    return (top or 0) + 1


def reset_sequences(model_list: Sequence[type[models.Model]]) -> None:
    """Move the database's id sequences past the ids written here (PostgreSQL needs it)."""
    connection = connections[DEFAULT_DB_ALIAS]
    statements = connection.ops.sequence_reset_sql(no_style(), model_list)
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
