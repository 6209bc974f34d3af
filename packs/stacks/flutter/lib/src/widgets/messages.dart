import 'package:flutter/material.dart';

import '../../l10n/app_localizations.dart';
import '../api/api_client.dart';

/// The message of an error: the API's (problem+json `detail`), or a general one.
String errorMessage(Object error, AppLocalizations l10n) {
  if (error is ApiException) return error.status == 0 ? l10n.commonOffline : error.message;
  return l10n.commonError;
}

/// An error shown above a screen's content, with a retry button when [onRetry] is given.
class ErrorBanner extends StatelessWidget {
  const ErrorBanner({super.key, required this.error, this.onRetry});

  final Object? error;
  final VoidCallback? onRetry;

  @override
  Widget build(BuildContext context) {
    final error = this.error;
    if (error == null) return const SizedBox.shrink();
    final l10n = AppLocalizations.of(context);
    final colors = Theme.of(context).colorScheme;
    return Card(
      color: colors.errorContainer,
      margin: const EdgeInsets.all(16),
      child: Padding(
        padding: const EdgeInsets.all(12),
        child: Row(
          children: <Widget>[
            Expanded(
              child: Text(errorMessage(error, l10n), style: TextStyle(color: colors.onErrorContainer)),
            ),
            if (onRetry != null) TextButton(onPressed: onRetry, child: Text(l10n.commonRetry)),
          ],
        ),
      ),
    );
  }
}
