import 'dart:async';

import 'package:flutter/foundation.dart';
import 'package:flutter/widgets.dart';
import 'package:flutter_localizations/flutter_localizations.dart';
import 'package:intl/intl.dart' as intl;

import 'app_localizations_ar.dart';
import 'app_localizations_de.dart';
import 'app_localizations_en.dart';
import 'app_localizations_es.dart';
import 'app_localizations_fr.dart';

// The interface strings, as `flutter gen-l10n` writes them from the ARB files beside this one
// (l10n.yaml). Edit the ARB files, then run `flutter gen-l10n` to write this file again.
abstract class AppLocalizations {
  AppLocalizations(String locale) : localeName = intl.Intl.canonicalizedLocale(locale.toString());

  final String localeName;

  static AppLocalizations of(BuildContext context) {
    return Localizations.of<AppLocalizations>(context, AppLocalizations)!;
  }

  static const LocalizationsDelegate<AppLocalizations> delegate = _AppLocalizationsDelegate();

  static const List<LocalizationsDelegate<dynamic>> localizationsDelegates = <LocalizationsDelegate<dynamic>>[
    delegate,
    GlobalMaterialLocalizations.delegate,
    GlobalCupertinoLocalizations.delegate,
    GlobalWidgetsLocalizations.delegate,
  ];

  static const List<Locale> supportedLocales = <Locale>[
    Locale('ar'),
    Locale('de'),
    Locale('en'),
    Locale('es'),
    Locale('fr'),
  ];

  /// Welcome
  String get homeTitle;

  /// Choose what to manage.
  String get homeIntro;

  /// Language
  String get navLanguage;

  /// New
  String get listNew;

  /// Nothing here yet.
  String get listEmpty;

  /// {shown} of {total}
  String listCount(String shown, String total);

  /// Load more
  String get listMore;

  /// {entity} #{id}
  String detailTitle(String entity, String id);

  /// Edit
  String get detailEdit;

  /// Delete
  String get detailDelete;

  /// Delete this item? This cannot be undone.
  String get detailConfirmDelete;

  /// New: {entity}
  String formCreateTitle(String entity);

  /// Edit: {entity} #{id}
  String formEditTitle(String entity, String id);

  /// Save
  String get formSave;

  /// Saving…
  String get formSaving;

  /// Choose…
  String get formChoose;

  /// None
  String get formNone;

  /// Please correct the fields marked below.
  String get formInvalid;

  /// This field is required.
  String get validationRequired;

  /// Enter a whole number.
  String get validationInt;

  /// Enter a number.
  String get validationFloat;

  /// Enter a date as YYYY-MM-DD.
  String get validationDate;

  /// Enter a date and time as YYYY-MM-DD HH:MM.
  String get validationDatetime;

  /// Enter an email address.
  String get validationEmail;

  /// Enter an address starting with http:// or https://.
  String get validationUrl;

  /// At most {max} characters.
  String validationTooLong(String max);

  /// Loading…
  String get commonLoading;

  /// Yes
  String get commonYes;

  /// No
  String get commonNo;

  /// Cancel
  String get commonCancel;

  /// Try again
  String get commonRetry;

  /// Something went wrong.
  String get commonError;

  /// The server cannot be reached.
  String get commonOffline;

  /// Sign in
  String get authSignIn;

  /// Sign out
  String get authSignOut;

  /// Email
  String get authEmail;

  /// Password
  String get authPassword;

  /// Sign in
  String get authSubmit;

  /// Wrong email or password.
  String get authFailed;

  /// Please sign in to continue.
  String get authRequired;

  /// Signed in as {email}
  String authSignedInAs(String email);
}

class _AppLocalizationsDelegate extends LocalizationsDelegate<AppLocalizations> {
  const _AppLocalizationsDelegate();

  @override
  Future<AppLocalizations> load(Locale locale) {
    return SynchronousFuture<AppLocalizations>(lookupAppLocalizations(locale));
  }

  @override
  bool isSupported(Locale locale) => <String>['ar', 'de', 'en', 'es', 'fr'].contains(locale.languageCode);

  @override
  bool shouldReload(_AppLocalizationsDelegate old) => false;
}

AppLocalizations lookupAppLocalizations(Locale locale) {
  switch (locale.languageCode) {
    case 'ar':
      return AppLocalizationsAr();
    case 'de':
      return AppLocalizationsDe();
    case 'en':
      return AppLocalizationsEn();
    case 'es':
      return AppLocalizationsEs();
    case 'fr':
      return AppLocalizationsFr();
  }

  throw FlutterError(
    'AppLocalizations.delegate failed to load unsupported locale "$locale". This is likely '
    'an issue with the localizations generation tool. Please file an issue '
    'on GitHub with a reproducible sample app and the gen-l10n configuration '
    'that was used.',
  );
}
