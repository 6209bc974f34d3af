import 'package:flutter/foundation.dart';

import '../api/api_client.dart';
import '../config.dart';

/// The signed-in user: the API's bearer token and who it belongs to (`GET /api/auth/me`).
@immutable
class Session {
  const Session({required this.token, required this.email, required this.role, required this.expiresAt});

  final String token;
  final String email;
  final String role;
  final DateTime expiresAt;

  bool get expired => !DateTime.now().isBefore(expiresAt);
}

/// Signs in and out. The session is held in memory: it lasts until the app is closed (README.md
/// says how to keep it on the device).
class SessionController extends ChangeNotifier {
  SessionController(this._api) {
    _api.onUnauthorized = signOut;
  }

  final ApiClient _api;
  Session? _session;

  /// The session, or null when signed out or once the token has expired.
  Session? get session {
    final current = _session;
    if (current != null && current.expired) {
      _session = null;
      _api.token = null;
    }
    return _session;
  }

  bool get signedIn => session != null;

  /// Whether the API lets this user delete rows (the administrator role only).
  bool get isAdmin => session?.role == adminRole;

  Future<void> signIn(String email, String password) async {
    final login = await _api.login(email, password);
    final me = await _api.whoAmI(login.token);
    use(Session(token: login.token, email: me.email, role: me.role, expiresAt: DateTime.now().add(login.lifetime)));
  }

  /// Starts [session] (after signing in; tests start signed in).
  void use(Session session) {
    _session = session;
    _api.token = session.token;
    notifyListeners();
  }

  void signOut() {
    if (_session == null && _api.token == null) return;
    _session = null;
    _api.token = null;
    notifyListeners();
  }
}
