"""How resources and their fields are described (see ``app/resources/``)."""
from dataclasses import dataclass, field

FIELD_TYPES = (
    "string", "text", "int", "float", "bool", "date", "datetime", "email", "url", "enum", "ref", "file",
)
# The fields that search (``?q=``) looks into.
TEXTUAL_TYPES = ("string", "text", "email", "url", "enum")


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    required: bool = False
    unique: bool = False
    values: tuple = ()  # allowed values of an enum field
    ref: str = ""  # name of the resource a ref field points to

    def __post_init__(self):
        object.__setattr__(self, "values", tuple(self.values))
        if self.type not in FIELD_TYPES:
            raise ValueError(f"unknown field type {self.type!r} for field {self.name!r}")


@dataclass(frozen=True)
class Resource:
    name: str
    table: str
    route: str
    fields: tuple = field(default_factory=tuple)

    def __post_init__(self):
        object.__setattr__(self, "fields", tuple(self.fields))

    @property
    def field_names(self):
        return [f.name for f in self.fields]

    @property
    def textual_fields(self):
        """The fields that search (``?q=``) looks into."""
        return [f for f in self.fields if f.type in TEXTUAL_TYPES]

    @property
    def file_fields(self):
        """The fields of type ``file``: uploaded, not written in JSON bodies."""
        return [f for f in self.fields if f.type == "file"]

    @property
    def segment(self):
        """The last segment of the route (``/api/time-entries`` → ``time-entries``): how live
        events and notifications name the resource."""
        return self.route.rsplit("/", 1)[-1]
