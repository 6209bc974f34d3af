/// The types of fields, as the model names them: string, text, int, float, bool, date, datetime,
/// email, url, enum and ref.
enum FieldType { string, text, integer, decimal, boolean, date, dateTime, email, url, choice, reference }

/// A field of an entity.
class FieldDef {
  const FieldDef({
    required this.name,
    required this.label,
    required this.type,
    this.required = false,
    this.values = const <String>[],
    this.ref,
    this.refRoute,
  });

  final String name;
  final String label;
  final FieldType type;
  final bool required;

  /// choice (enum): the allowed values.
  final List<String> values;

  /// reference (ref): the referenced entity's name and REST route.
  final String? ref;
  final String? refRoute;
}

/// An entity of the model: its names, REST route and fields.
class EntityDef {
  const EntityDef({
    required this.name,
    required this.title,
    required this.pluralTitle,
    required this.route,
    required this.fields,
  });

  final String name;
  final String title;
  final String pluralTitle;

  /// REST route of the API (`/api/<plural>`).
  final String route;
  final List<FieldDef> fields;
}
