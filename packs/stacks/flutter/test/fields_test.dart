import 'package:flutter_test/flutter_test.dart';
import 'package:intl/date_symbol_data_local.dart';
import 'package:mobile_app/l10n/app_localizations_en.dart';
import 'package:mobile_app/src/entities/entity_def.dart';
import 'package:mobile_app/src/fields.dart';

FieldDef field(FieldType type, {bool required = false}) => FieldDef(name: 'x', label: 'X', type: type, required: required);

void main() {
  final l10n = AppLocalizationsEn();

  setUpAll(() async {
    await initializeDateFormatting('en');
  });

  test('round-trips every type between the API and the form', () {
    final cases = <(FieldType, Object)>[
      (FieldType.string, 'a'),
      (FieldType.text, 'two\nlines'),
      (FieldType.integer, 42),
      (FieldType.decimal, 2.5),
      (FieldType.date, '2024-02-29'),
      (FieldType.dateTime, '2024-01-31T09:30:00.000Z'),
      (FieldType.email, 'a@example.com'),
      (FieldType.url, 'https://example.com/'),
      (FieldType.choice, 'open'),
      (FieldType.reference, 7),
    ];
    for (final (type, value) in cases) {
      expect(fromFormText(field(type), toFormText(field(type), value)), value, reason: '$type');
    }
    expect(toFormBool(true), isTrue);
    expect(toFormBool(null), isFalse);
  });

  test('sends empty values as null and reads decimal commas', () {
    expect(fromFormText(field(FieldType.integer), ''), isNull);
    expect(fromFormText(field(FieldType.decimal), '2,5'), 2.5);
  });

  test('writes date-times in local time and reads them back', () {
    final text = toLocalDateTime('2024-06-01T12:00:00Z');
    expect(text, matches(RegExp(r'^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$')));
    expect(parseLocalDateTime(text)!.toUtc().toIso8601String(), '2024-06-01T12:00:00.000Z');
    expect(parseLocalDateTime('2024-02-30 10:00'), isNull);
  });

  test('finds what the API would refuse', () {
    expect(checkField(field(FieldType.string, required: true), '  ', l10n), l10n.validationRequired);
    expect(checkField(field(FieldType.string), '', l10n), isNull);
    expect(checkField(field(FieldType.integer), '4.5', l10n), l10n.validationInt);
    expect(checkField(field(FieldType.integer), '-12', l10n), isNull);
    expect(checkField(field(FieldType.decimal), 'abc', l10n), l10n.validationFloat);
    expect(checkField(field(FieldType.decimal), '3,25', l10n), isNull);
    expect(checkField(field(FieldType.date), '2023-02-29', l10n), l10n.validationDate);
    expect(checkField(field(FieldType.date), '2024-02-29', l10n), isNull);
    expect(checkField(field(FieldType.dateTime), '2024-01-31', l10n), l10n.validationDatetime);
    expect(checkField(field(FieldType.email), 'nobody', l10n), l10n.validationEmail);
    expect(checkField(field(FieldType.url), 'example.com', l10n), l10n.validationUrl);
    expect(checkField(field(FieldType.string), 'x' * 256, l10n), l10n.validationTooLong('255'));
  });

  test('formats values for the language', () {
    expect(formatValue(field(FieldType.boolean), false, 'en', l10n), l10n.commonNo);
    expect(formatValue(field(FieldType.decimal), 1234.5, 'en', l10n), '1,234.5');
    expect(formatValue(field(FieldType.date), '2024-01-31', 'en', l10n), contains('2024'));
    expect(formatValue(field(FieldType.string), null, 'en', l10n), '—');
  });

  test('labels a row by its first text field', () {
    const entity = EntityDef(
      name: 'Book',
      title: 'Book',
      pluralTitle: 'Books',
      route: '/api/books',
      fields: <FieldDef>[
        FieldDef(name: 'pages', label: 'Pages', type: FieldType.integer),
        FieldDef(name: 'title', label: 'Title', type: FieldType.string),
      ],
    );
    expect(rowLabel(entity, <String, dynamic>{'id': 3, 'pages': 1, 'title': 'Dune'}), 'Dune');
    expect(rowLabel(entity, <String, dynamic>{'id': 3, 'pages': 1, 'title': ''}), '#3');
  });
}
