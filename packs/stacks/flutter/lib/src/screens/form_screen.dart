import 'package:flutter/material.dart';

import '../../l10n/app_localizations.dart';
import '../api/api_client.dart';
import '../app_scope.dart';
import '../entities/entity_def.dart';
import '../fields.dart';
import '../widgets/field_input.dart';
import '../widgets/messages.dart';

/// Create (POST) or edit (PUT) a row: one control per field, checked before sending; the API's
/// own errors (problem+json `errors`) are shown next to their fields. Pops with the saved row.
class FormScreen extends StatefulWidget {
  const FormScreen({super.key, required this.entity, this.id});

  final EntityDef entity;

  /// The row to edit; a new row is created when null.
  final int? id;

  @override
  State<FormScreen> createState() => _FormScreenState();
}

class _FormScreenState extends State<FormScreen> {
  final GlobalKey<FormState> _form = GlobalKey<FormState>();
  final Map<String, TextEditingController> _texts = <String, TextEditingController>{};
  final Map<String, bool> _switches = <String, bool>{};
  final Map<String, String> _picks = <String, String>{};
  late ApiClient _client;
  Map<String, String> _serverErrors = const <String, String>{};
  Object? _error;
  bool _loaded = false;
  bool _saving = false;
  bool _started = false;
  bool _invalid = false;

  bool _isText(FieldDef field) =>
      field.type != FieldType.boolean && field.type != FieldType.choice && field.type != FieldType.reference;

  @override
  void initState() {
    super.initState();
    for (final field in widget.entity.fields) {
      if (_isText(field)) {
        final controller = TextEditingController();
        controller.addListener(() => _clearServerError(field.name));
        _texts[field.name] = controller;
      }
    }
    _fill(null);
    _loaded = widget.id == null;
  }

  @override
  void didChangeDependencies() {
    super.didChangeDependencies();
    _client = AppScope.of(context).api;
    if (_started) return;
    _started = true;
    if (widget.id != null) _load(widget.id!);
  }

  @override
  void dispose() {
    for (final controller in _texts.values) {
      controller.dispose();
    }
    super.dispose();
  }

  /// Puts the values of [row] (or of a new row) into the controls.
  void _fill(Row? row) {
    for (final field in widget.entity.fields) {
      final value = row?[field.name];
      if (field.type == FieldType.boolean) {
        _switches[field.name] = toFormBool(value);
      } else if (_isText(field)) {
        _texts[field.name]!.text = toFormText(field, value);
      } else {
        _picks[field.name] = toFormText(field, value);
      }
    }
  }

  Future<void> _load(int id) async {
    try {
      final row = await _client.resource(widget.entity.route).get(id);
      if (!mounted) return;
      setState(() {
        _fill(row);
        _loaded = true;
        _serverErrors = const <String, String>{};
      });
    } on Exception catch (error) {
      if (mounted) setState(() => _error = error);
    }
  }

  void _clearServerError(String name) {
    if (!_serverErrors.containsKey(name)) return;
    setState(() => _serverErrors = Map<String, String>.of(_serverErrors)..remove(name));
  }

  Row _payload() {
    return <String, dynamic>{
      for (final field in widget.entity.fields)
        field.name: field.type == FieldType.boolean
            ? _switches[field.name] == true
            : fromFormText(field, _isText(field) ? _texts[field.name]!.text : _picks[field.name] ?? ''),
    };
  }

  Future<void> _save() async {
    if (_saving) return;
    final l10n = AppLocalizations.of(context);
    var valid = _form.currentState!.validate();
    for (final field in widget.entity.fields) {
      if (!_isText(field) && field.type != FieldType.boolean && checkField(field, _picks[field.name] ?? '', l10n) != null) {
        valid = false;
      }
    }
    setState(() {
      _invalid = !valid;
      _error = null;
    });
    if (!valid) return;
    setState(() => _saving = true);
    try {
      final resource = _client.resource(widget.entity.route);
      final id = widget.id;
      final saved = id == null ? await resource.create(_payload()) : await resource.replace(id, _payload());
      if (mounted) Navigator.of(context).pop(saved);
    } on Exception catch (error) {
      if (!mounted) return;
      setState(() {
        _error = error;
        _serverErrors = error is ApiException ? error.fieldErrors : const <String, String>{};
        _saving = false;
      });
    }
  }

  Widget _control(FieldDef field, AppLocalizations l10n) {
    final serverError = _serverErrors[field.name];
    switch (field.type) {
      case FieldType.boolean:
        return SwitchListTile(
          contentPadding: EdgeInsets.zero,
          title: Text(field.label),
          subtitle: serverError == null
              ? null
              : Text(serverError, style: TextStyle(color: Theme.of(context).colorScheme.error)),
          value: _switches[field.name] ?? false,
          onChanged: (value) {
            setState(() => _switches[field.name] = value);
            _clearServerError(field.name);
          },
        );
      case FieldType.choice:
      case FieldType.reference:
        {
          final value = _picks[field.name] ?? '';
          final problem = _invalid ? checkField(field, value, l10n) : null;
          void onChanged(String next) {
            setState(() => _picks[field.name] = next);
            _clearServerError(field.name);
          }

          return field.type == FieldType.choice
              ? PickerInput(
                  field: field,
                  value: value,
                  options: <Option>[for (final choice in field.values) Option(choice, choice)],
                  onChanged: onChanged,
                  errorText: problem ?? serverError,
                )
              : ReferenceInput(field: field, value: value, onChanged: onChanged, errorText: problem ?? serverError);
        }
      default:
        return TextFieldInput(field: field, controller: _texts[field.name]!, serverError: serverError);
    }
  }

  @override
  Widget build(BuildContext context) {
    final l10n = AppLocalizations.of(context);
    final id = widget.id;
    final title = id == null
        ? l10n.formCreateTitle(widget.entity.title)
        : l10n.formEditTitle(widget.entity.title, '$id');
    return Scaffold(
      appBar: AppBar(title: Text(title)),
      body: !_loaded
          ? (_error == null
              ? const Center(child: CircularProgressIndicator())
              : ListView(children: <Widget>[ErrorBanner(error: _error)]))
          : Form(
              key: _form,
              child: SingleChildScrollView(
                key: const ValueKey<String>('form'),
                padding: const EdgeInsets.all(16),
                child: Column(
                  crossAxisAlignment: CrossAxisAlignment.stretch,
                  children: <Widget>[
                    if (_invalid)
                      Padding(
                        padding: const EdgeInsets.only(bottom: 12),
                        child: Text(l10n.formInvalid, style: TextStyle(color: Theme.of(context).colorScheme.error)),
                      ),
                    ErrorBanner(error: _error),
                    for (final field in widget.entity.fields)
                      Padding(
                        key: ValueKey<String>('field-${field.name}'),
                        padding: const EdgeInsets.only(bottom: 16),
                        child: _control(field, l10n),
                      ),
                    FilledButton(
                      key: const ValueKey<String>('save'),
                      onPressed: _saving ? null : _save,
                      child: Text(_saving ? l10n.formSaving : l10n.formSave),
                    ),
                  ],
                ),
              ),
            ),
    );
  }
}
