import 'package:intl/intl.dart';

import '../l10n/app_localizations.dart';
import 'api/api_client.dart';
import 'entities/entity_def.dart';

/// The API's length limits.
const Map<FieldType, int> maxLength = <FieldType, int>{
  FieldType.string: 255,
  FieldType.text: 10000,
  FieldType.email: 254,
  FieldType.url: 2048,
};

String _pad(int value) => value.toString().padLeft(2, '0');

/// An ISO date-time as the text of a datetime field: local time, "YYYY-MM-DD HH:MM".
String toLocalDateTime(String iso) {
  final date = DateTime.tryParse(iso);
  if (date == null) return '';
  final local = date.toLocal();
  return '${local.year.toString().padLeft(4, '0')}-${_pad(local.month)}-${_pad(local.day)} '
      '${_pad(local.hour)}:${_pad(local.minute)}';
}

/// "YYYY-MM-DD HH:MM" (local time; a "T" may stand for the space) as a DateTime, or null.
DateTime? parseLocalDateTime(String text) {
  final match = RegExp(r'^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})$').firstMatch(text.trim());
  if (match == null) return null;
  final parts = <int>[for (var i = 1; i <= 5; i++) int.parse(match.group(i)!)];
  final date = DateTime(parts[0], parts[1], parts[2], parts[3], parts[4]);
  final same = date.year == parts[0] &&
      date.month == parts[1] &&
      date.day == parts[2] &&
      date.hour == parts[3] &&
      date.minute == parts[4];
  return same ? date : null;
}

bool _isDate(String text) {
  if (!RegExp(r'^\d{4}-\d{2}-\d{2}$').hasMatch(text)) return false;
  final date = DateTime.tryParse('${text}T00:00:00Z');
  return date != null && date.toIso8601String().startsWith(text);
}

/// The text a form shows for one field of a row (or of a new row when [value] is null).
/// Booleans are edited with a switch: see [toFormBool].
String toFormText(FieldDef field, Object? value) {
  if (value == null) return '';
  if (field.type == FieldType.dateTime) return toLocalDateTime(value.toString());
  return value.toString();
}

bool toFormBool(Object? value) => value == true;

/// Decimal commas (as keyboards show them in many languages) read as points.
String _numberText(String text) => text.replaceFirst(',', '.');

/// The API value of a form text: numbers for integer, decimal and reference, ISO 8601 UTC for
/// date-times, null when empty.
Object? fromFormText(FieldDef field, String value) {
  final text = value.trim();
  if (text.isEmpty) return null;
  switch (field.type) {
    case FieldType.integer:
    case FieldType.reference:
      return int.tryParse(text) ?? text;
    case FieldType.decimal:
      return double.tryParse(_numberText(text)) ?? text;
    case FieldType.dateTime:
      return parseLocalDateTime(text)?.toUtc().toIso8601String() ?? text;
    default:
      return text;
  }
}

/// What is wrong with one form value before it is sent, or null (the API still checks everything).
String? checkField(FieldDef field, String value, AppLocalizations l10n) {
  final text = value.trim();
  if (text.isEmpty) return field.required ? l10n.validationRequired : null;
  final max = maxLength[field.type];
  if (max != null && text.length > max) return l10n.validationTooLong('$max');
  switch (field.type) {
    case FieldType.integer:
      return RegExp(r'^[-+]?\d+$').hasMatch(text) ? null : l10n.validationInt;
    case FieldType.decimal:
      return RegExp(r'^[-+]?(\d+([.,]\d*)?|[.,]\d+)([eE][-+]?\d+)?$').hasMatch(text) ? null : l10n.validationFloat;
    case FieldType.date:
      return _isDate(text) ? null : l10n.validationDate;
    case FieldType.dateTime:
      return parseLocalDateTime(text) != null ? null : l10n.validationDatetime;
    case FieldType.email:
      return RegExp(r'^[^\s@]+@[^\s@]+\.[^\s@]+$').hasMatch(text) ? null : l10n.validationEmail;
    case FieldType.url:
      return RegExp(r'^https?://\S+$', caseSensitive: false).hasMatch(text) ? null : l10n.validationUrl;
    default:
      return null;
  }
}

/// A value as text, formatted for [locale].
String formatValue(FieldDef field, Object? value, String locale, AppLocalizations l10n) {
  if (value == null || value == '') return '—';
  switch (field.type) {
    case FieldType.boolean:
      return value == true ? l10n.commonYes : l10n.commonNo;
    case FieldType.integer:
    case FieldType.decimal:
      return value is num ? NumberFormat.decimalPattern(locale).format(value) : value.toString();
    case FieldType.date:
      {
        final date = DateTime.tryParse('${value}T00:00:00Z');
        return date == null ? value.toString() : DateFormat.yMMMd(locale).format(date);
      }
    case FieldType.dateTime:
      {
        final date = DateTime.tryParse(value.toString());
        return date == null ? value.toString() : DateFormat.yMMMd(locale).add_Hm().format(date.toLocal());
      }
    default:
      return value.toString();
  }
}

const Set<FieldType> _textual = <FieldType>{
  FieldType.string,
  FieldType.email,
  FieldType.url,
  FieldType.choice,
  FieldType.text,
};

/// A short label for a row: its first non-empty text field, else "#id".
String rowLabel(EntityDef? entity, Row row) {
  for (final field in entity?.fields ?? const <FieldDef>[]) {
    final value = row[field.name];
    if (_textual.contains(field.type) && value is String && value.isNotEmpty) return value;
  }
  return '#${row['id']}';
}
