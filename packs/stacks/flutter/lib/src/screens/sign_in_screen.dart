import 'package:flutter/material.dart';

import '../../l10n/app_localizations.dart';
import '../api/api_client.dart';
import '../app_scope.dart';
import '../widgets/messages.dart';

/// `POST /api/auth/login`, then `GET /api/auth/me`; pops with true once signed in.
class SignInScreen extends StatefulWidget {
  const SignInScreen({super.key, this.required = false});

  /// Opened because the next screen needs a signed-in user: says so.
  final bool required;

  @override
  State<SignInScreen> createState() => _SignInScreenState();
}

class _SignInScreenState extends State<SignInScreen> {
  final TextEditingController _email = TextEditingController();
  final TextEditingController _password = TextEditingController();
  String? _message;
  bool _busy = false;

  @override
  void dispose() {
    _email.dispose();
    _password.dispose();
    super.dispose();
  }

  Future<void> _submit() async {
    if (_busy) return;
    final l10n = AppLocalizations.of(context);
    final session = AppScope.of(context).session;
    setState(() {
      _busy = true;
      _message = null;
    });
    try {
      await session.signIn(_email.text.trim(), _password.text);
      if (mounted) Navigator.of(context).pop(true);
    } on Exception catch (error) {
      if (!mounted) return;
      setState(() {
        _message = error is ApiException && error.status == 401 ? l10n.authFailed : errorMessage(error, l10n);
        _busy = false;
      });
    }
  }

  @override
  Widget build(BuildContext context) {
    final l10n = AppLocalizations.of(context);
    final message = _message;
    return Scaffold(
      appBar: AppBar(title: Text(l10n.authSignIn)),
      body: ListView(
        padding: const EdgeInsets.all(16),
        children: <Widget>[
          if (widget.required)
            Padding(padding: const EdgeInsets.only(bottom: 16), child: Text(l10n.authRequired)),
          if (message != null)
            Padding(
              padding: const EdgeInsets.only(bottom: 16),
              child: Text(message, style: TextStyle(color: Theme.of(context).colorScheme.error)),
            ),
          TextField(
            key: const ValueKey<String>('email'),
            controller: _email,
            keyboardType: TextInputType.emailAddress,
            autocorrect: false,
            autofillHints: const <String>[AutofillHints.username, AutofillHints.email],
            decoration: InputDecoration(labelText: l10n.authEmail, border: const OutlineInputBorder()),
          ),
          const SizedBox(height: 16),
          TextField(
            key: const ValueKey<String>('password'),
            controller: _password,
            obscureText: true,
            autofillHints: const <String>[AutofillHints.password],
            decoration: InputDecoration(labelText: l10n.authPassword, border: const OutlineInputBorder()),
            onSubmitted: (_) => _submit(),
          ),
          const SizedBox(height: 24),
          FilledButton(
            key: const ValueKey<String>('sign-in'),
            onPressed: _busy ? null : _submit,
            child: Text(l10n.authSubmit),
          ),
        ],
      ),
    );
  }
}
