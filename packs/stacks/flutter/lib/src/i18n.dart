import 'package:flutter/widgets.dart';

import '../l10n/app_localizations.dart';
import 'config.dart';

/// The languages the app offers: the model's that have translations (lib/l10n/app_<code>.arb),
/// the first being the default. Add an ARB file to add a language.
final List<Locale> appLocales = _offered();

List<Locale> _offered() {
  final translated = AppLocalizations.supportedLocales.map((locale) => locale.languageCode).toSet();
  final offered = <Locale>[
    for (final code in modelLocales)
      if (translated.contains(code)) Locale(code),
  ];
  return offered.isEmpty ? const <Locale>[Locale('en')] : offered;
}

/// Each language's own name, for the language menu.
const Map<String, String> languageNames = <String, String>{
  'en': 'English',
  'fr': 'Français',
  'ar': 'العربية',
  'es': 'Español',
  'de': 'Deutsch',
};

/// The language chosen in the app, or null to follow the device's.
class LocaleController extends ChangeNotifier {
  LocaleController([this._locale]);

  Locale? _locale;

  Locale? get locale => _locale;

  set locale(Locale? value) {
    if (value == _locale) return;
    _locale = value;
    notifyListeners();
  }
}
