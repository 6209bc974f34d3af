import 'package:flutter/material.dart';

import '../../l10n/app_localizations.dart';
import '../api/api_client.dart';
import '../app_scope.dart';
import '../entities/entities.dart';
import '../entities/entity_def.dart';
import '../fields.dart';
import '../permissions.dart';
import '../widgets/messages.dart';
import 'form_screen.dart';

/// One row: every field, Edit, and Delete for those the API lets delete.
class DetailScreen extends StatefulWidget {
  const DetailScreen({super.key, required this.entity, required this.id});

  final EntityDef entity;
  final int id;

  @override
  State<DetailScreen> createState() => _DetailScreenState();
}

class _DetailScreenState extends State<DetailScreen> {
  late ApiClient _client;
  Row? _row;
  Object? _error;
  bool _deleting = false;
  bool _started = false;

  /// Labels of the rows that reference fields point at, by field name.
  final Map<String, String> _refLabels = <String, String>{};

  @override
  void didChangeDependencies() {
    super.didChangeDependencies();
    _client = AppScope.of(context).api;
    if (_started) return;
    _started = true;
    _load();
  }

  Future<void> _load() async {
    try {
      final row = await _client.resource(widget.entity.route).get(widget.id);
      if (!mounted) return;
      setState(() {
        _row = row;
        _error = null;
      });
      await _loadRefLabels(row);
    } on Exception catch (error) {
      if (mounted) setState(() => _error = error);
    }
  }

  void _retry() {
    setState(() => _error = null);
    _load();
  }

  Future<void> _loadRefLabels(Row row) async {
    for (final field in widget.entity.fields) {
      final id = row[field.name];
      final route = field.refRoute;
      if (field.type != FieldType.reference || id is! int || route == null) continue;
      try {
        final target = await _client.resource(route).get(id);
        if (mounted) setState(() => _refLabels[field.name] = rowLabel(entityByName(field.ref), target));
      } on Exception {
        // The id is shown instead.
      }
    }
  }

  Future<void> _edit() async {
    final saved = await openEditor<Row>(context, (context) => FormScreen(entity: widget.entity, id: widget.id));
    if (saved != null && mounted) {
      setState(() => _refLabels.clear());
      await _load();
    }
  }

  Future<void> _confirmDelete() async {
    final l10n = AppLocalizations.of(context);
    final confirmed = await showDialog<bool>(
      context: context,
      builder: (context) => AlertDialog(
        title: Text(l10n.detailDelete),
        content: Text(l10n.detailConfirmDelete),
        actions: <Widget>[
          TextButton(onPressed: () => Navigator.of(context).pop(false), child: Text(l10n.commonCancel)),
          FilledButton(onPressed: () => Navigator.of(context).pop(true), child: Text(l10n.detailDelete)),
        ],
      ),
    );
    if (confirmed != true || !mounted) return;
    setState(() => _deleting = true);
    try {
      await _client.resource(widget.entity.route).remove(widget.id);
      if (mounted) Navigator.of(context).pop();
    } on Exception catch (error) {
      if (mounted) {
        setState(() {
          _error = error;
          _deleting = false;
        });
      }
    }
  }

  @override
  Widget build(BuildContext context) {
    final l10n = AppLocalizations.of(context);
    final locale = Localizations.localeOf(context).toString();
    final row = _row;
    return Scaffold(
      appBar: AppBar(
        title: Text(l10n.detailTitle(widget.entity.title, '${widget.id}')),
        actions: <Widget>[
          if (row != null)
            IconButton(icon: const Icon(Icons.edit), tooltip: l10n.detailEdit, onPressed: _edit),
          if (row != null && canDelete(context))
            IconButton(
              icon: const Icon(Icons.delete),
              tooltip: l10n.detailDelete,
              onPressed: _deleting ? null : _confirmDelete,
            ),
        ],
      ),
      body: ListView(
        children: <Widget>[
          ErrorBanner(error: _error, onRetry: row == null ? _retry : null),
          if (row == null && _error == null) const Padding(
            padding: EdgeInsets.all(24),
            child: Center(child: CircularProgressIndicator()),
          ),
          if (row != null)
            for (final field in widget.entity.fields)
              ListTile(
                key: ValueKey<String>('value-${field.name}'),
                title: Text(field.label),
                subtitle: Text(
                  field.type == FieldType.reference && _refLabels.containsKey(field.name)
                      ? _refLabels[field.name]!
                      : formatValue(field, row[field.name], locale, l10n),
                ),
              ),
        ],
      ),
    );
  }
}
