import 'package:flutter/material.dart';

import '../../l10n/app_localizations.dart';
import '../api/api_client.dart';
import '../app_scope.dart';
import '../entities/entities.dart';
import '../entities/entity_def.dart';
import '../fields.dart';

/// The keyboard of each field edited as text.
TextInputType keyboardFor(FieldType type) {
  switch (type) {
    case FieldType.text:
      return TextInputType.multiline;
    case FieldType.integer:
      return const TextInputType.numberWithOptions(signed: true);
    case FieldType.decimal:
      return const TextInputType.numberWithOptions(signed: true, decimal: true);
    case FieldType.date:
    case FieldType.dateTime:
      return TextInputType.datetime;
    case FieldType.email:
      return TextInputType.emailAddress;
    case FieldType.url:
      return TextInputType.url;
    default:
      return TextInputType.text;
  }
}

const Map<FieldType, String> _hints = <FieldType, String>{
  FieldType.date: 'YYYY-MM-DD',
  FieldType.dateTime: 'YYYY-MM-DD HH:MM',
  FieldType.email: 'name@example.com',
  FieldType.url: 'https://',
};

/// A text field for string, text, number, date, date-time, email and URL fields. Dates and
/// date-times can also be picked from a calendar.
class TextFieldInput extends StatelessWidget {
  const TextFieldInput({super.key, required this.field, required this.controller, this.serverError});

  final FieldDef field;
  final TextEditingController controller;

  /// The API's message for this field, shown until the value changes.
  final String? serverError;

  Future<void> _pick(BuildContext context) async {
    final now = DateTime.now();
    final current = field.type == FieldType.date
        ? DateTime.tryParse(controller.text)
        : parseLocalDateTime(controller.text);
    final day = await showDatePicker(
      context: context,
      initialDate: current ?? now,
      firstDate: DateTime(1900),
      lastDate: DateTime(2200),
    );
    if (day == null || !context.mounted) return;
    if (field.type == FieldType.date) {
      controller.text = '${day.year.toString().padLeft(4, '0')}-${day.month.toString().padLeft(2, '0')}-'
          '${day.day.toString().padLeft(2, '0')}';
      return;
    }
    final time = await showTimePicker(
      context: context,
      initialTime: TimeOfDay.fromDateTime(current ?? now),
    );
    if (time == null) return;
    controller.text = toLocalDateTime(
      DateTime(day.year, day.month, day.day, time.hour, time.minute).toIso8601String(),
    );
  }

  @override
  Widget build(BuildContext context) {
    final l10n = AppLocalizations.of(context);
    final temporal = field.type == FieldType.date || field.type == FieldType.dateTime;
    final plain = field.type == FieldType.email || field.type == FieldType.url;
    return TextFormField(
      controller: controller,
      keyboardType: keyboardFor(field.type),
      maxLines: field.type == FieldType.text ? 5 : 1,
      minLines: field.type == FieldType.text ? 3 : 1,
      maxLength: maxLength[field.type],
      autocorrect: !plain,
      textCapitalization: plain ? TextCapitalization.none : TextCapitalization.sentences,
      decoration: InputDecoration(
        labelText: field.required ? '${field.label} *' : field.label,
        hintText: _hints[field.type],
        errorText: serverError,
        border: const OutlineInputBorder(),
        counterText: '',
        suffixIcon: temporal
            ? IconButton(
                icon: const Icon(Icons.calendar_today),
                tooltip: field.label,
                onPressed: () => _pick(context),
              )
            : null,
      ),
      validator: (value) => checkField(field, value ?? '', l10n),
    );
  }
}

/// An option of a picker: the value sent to the API and the text shown.
class Option {
  const Option(this.value, this.label);

  final String value;
  final String label;
}

/// A picker for choice (enum) and reference (ref) fields.
class PickerInput extends StatelessWidget {
  const PickerInput({
    super.key,
    required this.field,
    required this.value,
    required this.options,
    required this.onChanged,
    this.errorText,
  });

  final FieldDef field;
  final String value;

  /// null while the options load.
  final List<Option>? options;
  final ValueChanged<String> onChanged;
  final String? errorText;

  @override
  Widget build(BuildContext context) {
    final l10n = AppLocalizations.of(context);
    final options = this.options;
    final known = options != null && options.any((option) => option.value == value);
    return InputDecorator(
      decoration: InputDecoration(
        labelText: field.required ? '${field.label} *' : field.label,
        errorText: errorText,
        border: const OutlineInputBorder(),
      ),
      isEmpty: value.isEmpty,
      child: options == null
          ? Text(l10n.commonLoading)
          : DropdownButtonHideUnderline(
              child: DropdownButton<String>(
                value: known ? value : null,
                isDense: true,
                isExpanded: true,
                hint: Text(l10n.formChoose),
                items: <DropdownMenuItem<String>>[
                  if (!field.required) DropdownMenuItem<String>(value: '', child: Text(l10n.formNone)),
                  for (final option in options)
                    DropdownMenuItem<String>(value: option.value, child: Text(option.label)),
                ],
                onChanged: (next) => onChanged(next ?? ''),
              ),
            ),
    );
  }
}

/// The rows a reference field can point at, as options labelled by their first text field.
Future<List<Option>> loadReferenceOptions(ApiClient api, FieldDef field) async {
  final route = field.refRoute;
  if (route == null) return const <Option>[];
  final target = entityByName(field.ref);
  final page = await api.resource(route).list(limit: 200);
  return <Option>[for (final row in page.items) Option('${row['id']}', rowLabel(target, row))];
}

/// A picker listing the referenced entity's rows (the API gives at most 200 a page).
class ReferenceInput extends StatefulWidget {
  const ReferenceInput({
    super.key,
    required this.field,
    required this.value,
    required this.onChanged,
    this.errorText,
  });

  final FieldDef field;
  final String value;
  final ValueChanged<String> onChanged;
  final String? errorText;

  @override
  State<ReferenceInput> createState() => _ReferenceInputState();
}

class _ReferenceInputState extends State<ReferenceInput> {
  List<Option>? _options;
  bool _loading = false;

  @override
  void didChangeDependencies() {
    super.didChangeDependencies();
    if (_loading) return;
    _loading = true;
    loadReferenceOptions(AppScope.of(context).api, widget.field).then(
      (options) {
        if (mounted) setState(() => _options = options);
      },
      onError: (Object _) {
        if (mounted) setState(() => _options = const <Option>[]);
      },
    );
  }

  @override
  Widget build(BuildContext context) {
    return PickerInput(
      field: widget.field,
      value: widget.value,
      options: _options,
      onChanged: widget.onChanged,
      errorText: widget.errorText,
    );
  }
}
