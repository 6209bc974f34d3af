import 'package:flutter/material.dart';

import '../../l10n/app_localizations.dart';
import '../api/api_client.dart';
import '../app_scope.dart';
import '../entities/entity_def.dart';
import '../fields.dart';
import '../permissions.dart';
import '../widgets/field_input.dart';
import '../widgets/messages.dart';
import 'detail_screen.dart';
import 'form_screen.dart';

/// Rows asked for at a time; the next page loads when the list is scrolled to its end.
const int pageSize = 20;

/// How many fields a row shows under its label.
const int _summaryFields = 3;

/// The rows of an entity, a page at a time; pull down to reload.
class ListScreen extends StatefulWidget {
  const ListScreen({super.key, required this.entity});

  final EntityDef entity;

  @override
  State<ListScreen> createState() => _ListScreenState();
}

class _ListScreenState extends State<ListScreen> {
  final ScrollController _scroll = ScrollController();
  List<Row>? _items;
  int _total = 0;
  bool _loadingMore = false;
  Object? _error;
  Map<String, Map<String, String>> _refLabels = const <String, Map<String, String>>{};

  /// Each reload starts a new generation: pages asked for by an older one are dropped.
  int _generation = 0;
  bool _started = false;

  late ApiClient _client;
  late ResourceApi _api;

  @override
  void initState() {
    super.initState();
    _scroll.addListener(() {
      if (_scroll.position.extentAfter < 200) _loadMore();
    });
  }

  @override
  void didChangeDependencies() {
    super.didChangeDependencies();
    _client = AppScope.of(context).api;
    _api = _client.resource(widget.entity.route);
    if (_started) return;
    _started = true;
    _reload();
    _loadRefLabels();
  }

  @override
  void dispose() {
    _scroll.dispose();
    super.dispose();
  }

  Future<void> _reload() async {
    final mine = ++_generation;
    try {
      final page = await _api.list(limit: pageSize, offset: 0);
      if (!mounted || mine != _generation) return;
      setState(() {
        _items = page.items;
        _total = page.total;
        _error = null;
      });
    } on Exception catch (error) {
      if (mounted && mine == _generation) setState(() => _error = error);
    }
  }

  Future<void> _loadMore() async {
    final items = _items;
    if (items == null || _loadingMore || items.length >= _total) return;
    final mine = _generation;
    setState(() => _loadingMore = true);
    try {
      final page = await _api.list(limit: pageSize, offset: items.length);
      if (!mounted || mine != _generation) return;
      final seen = <Object?>{for (final row in items) row['id']};
      setState(() {
        _items = <Row>[...items, ...page.items.where((row) => !seen.contains(row['id']))];
        _total = page.total;
      });
    } on Exception catch (error) {
      if (mounted && mine == _generation) setState(() => _error = error);
    } finally {
      if (mounted) setState(() => _loadingMore = false);
    }
  }

  Future<void> _loadRefLabels() async {
    final api = _client;
    final labels = <String, Map<String, String>>{};
    for (final field in widget.entity.fields) {
      if (field.type != FieldType.reference) continue;
      try {
        final options = await loadReferenceOptions(api, field);
        labels[field.name] = <String, String>{for (final option in options) option.value: option.label};
      } on Exception {
        // Ids are shown instead.
      }
    }
    if (labels.isNotEmpty && mounted) setState(() => _refLabels = labels);
  }

  Future<void> _open(Row row) async {
    await Navigator.of(context).push<void>(
      MaterialPageRoute<void>(builder: (context) => DetailScreen(entity: widget.entity, id: row['id'] as int)),
    );
    if (mounted) await _reload();
  }

  Future<void> _create() async {
    final saved = await openEditor<Row>(context, (context) => FormScreen(entity: widget.entity));
    if (saved != null && mounted) await _reload();
  }

  String _summary(Row row, String label, String locale, AppLocalizations l10n) {
    final lines = <String>[];
    for (final field in widget.entity.fields) {
      final value = row[field.name];
      if (value == label) continue;
      final shown = field.type == FieldType.reference && value != null
          ? (_refLabels[field.name]?['$value'] ?? '#$value')
          : formatValue(field, value, locale, l10n);
      lines.add('${field.label}: $shown');
      if (lines.length == _summaryFields) break;
    }
    return lines.join('\n');
  }

  @override
  Widget build(BuildContext context) {
    final l10n = AppLocalizations.of(context);
    final locale = Localizations.localeOf(context).toString();
    final items = _items;
    return Scaffold(
      appBar: AppBar(title: Text(widget.entity.pluralTitle)),
      floatingActionButton: FloatingActionButton.extended(
        onPressed: _create,
        icon: const Icon(Icons.add),
        label: Text(l10n.listNew),
      ),
      body: Column(
        children: <Widget>[
          ErrorBanner(error: _error, onRetry: _reload),
          if (items != null && items.isNotEmpty)
            Padding(
              padding: const EdgeInsets.fromLTRB(16, 8, 16, 0),
              child: Align(
                alignment: AlignmentDirectional.centerStart,
                child: Text(
                  l10n.listCount('${items.length}', '$_total'),
                  key: const ValueKey<String>('list-count'),
                ),
              ),
            ),
          Expanded(
            child: items == null
                ? (_error == null ? const Center(child: CircularProgressIndicator()) : const SizedBox.shrink())
                : RefreshIndicator(
                    onRefresh: _reload,
                    child: items.isEmpty
                        ? ListView(
                            physics: const AlwaysScrollableScrollPhysics(),
                            children: <Widget>[ListTile(title: Text(l10n.listEmpty))],
                          )
                        : ListView.builder(
                            key: const ValueKey<String>('list'),
                            controller: _scroll,
                            physics: const AlwaysScrollableScrollPhysics(),
                            padding: const EdgeInsets.only(bottom: 88),
                            itemCount: items.length + 1,
                            itemBuilder: (context, index) {
                              if (index == items.length) {
                                return Padding(
                                  key: const ValueKey<String>('list-end'),
                                  padding: const EdgeInsets.all(16),
                                  child: Center(
                                    child: _loadingMore
                                        ? const CircularProgressIndicator()
                                        : items.length < _total
                                            ? TextButton(onPressed: _loadMore, child: Text(l10n.listMore))
                                            : const SizedBox.shrink(),
                                  ),
                                );
                              }
                              final row = items[index];
                              final label = rowLabel(widget.entity, row);
                              return ListTile(
                                title: Text(label),
                                subtitle: Text(_summary(row, label, locale, l10n)),
                                isThreeLine: true,
                                onTap: () => _open(row),
                              );
                            },
                          ),
                  ),
          ),
        ],
      ),
    );
  }
}
