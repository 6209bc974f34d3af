// ignore: unused_import
import 'package:intl/intl.dart' as intl;
import 'app_localizations.dart';

/// The translations for German (`de`).
class AppLocalizationsDe extends AppLocalizations {
  AppLocalizationsDe([String locale = 'de']) : super(locale);

  @override
  String get homeTitle => 'Willkommen';

  @override
  String get homeIntro => 'Wählen Sie, was Sie verwalten möchten.';

  @override
  String get navLanguage => 'Sprache';

  @override
  String get listNew => 'Neu';

  @override
  String get listEmpty => 'Noch keine Einträge.';

  @override
  String listCount(String shown, String total) {
    return '$shown von $total';
  }

  @override
  String get listMore => 'Mehr laden';

  @override
  String detailTitle(String entity, String id) {
    return '$entity Nr. $id';
  }

  @override
  String get detailEdit => 'Bearbeiten';

  @override
  String get detailDelete => 'Löschen';

  @override
  String get detailConfirmDelete => 'Diesen Eintrag löschen? Das kann nicht rückgängig gemacht werden.';

  @override
  String formCreateTitle(String entity) {
    return 'Neu: $entity';
  }

  @override
  String formEditTitle(String entity, String id) {
    return 'Bearbeiten: $entity Nr. $id';
  }

  @override
  String get formSave => 'Speichern';

  @override
  String get formSaving => 'Wird gespeichert…';

  @override
  String get formChoose => 'Auswählen…';

  @override
  String get formNone => 'Keine Auswahl';

  @override
  String get formInvalid => 'Bitte korrigieren Sie die markierten Felder.';

  @override
  String get validationRequired => 'Dieses Feld ist erforderlich.';

  @override
  String get validationInt => 'Geben Sie eine ganze Zahl ein.';

  @override
  String get validationFloat => 'Geben Sie eine Zahl ein.';

  @override
  String get validationDate => 'Geben Sie ein Datum als JJJJ-MM-TT ein.';

  @override
  String get validationDatetime => 'Geben Sie Datum und Uhrzeit als JJJJ-MM-TT HH:MM ein.';

  @override
  String get validationEmail => 'Geben Sie eine E-Mail-Adresse ein.';

  @override
  String get validationUrl => 'Geben Sie eine Adresse ein, die mit http:// oder https:// beginnt.';

  @override
  String validationTooLong(String max) {
    return 'Höchstens $max Zeichen.';
  }

  @override
  String get commonLoading => 'Wird geladen…';

  @override
  String get commonYes => 'Ja';

  @override
  String get commonNo => 'Nein';

  @override
  String get commonCancel => 'Abbrechen';

  @override
  String get commonRetry => 'Erneut versuchen';

  @override
  String get commonError => 'Etwas ist schiefgelaufen.';

  @override
  String get commonOffline => 'Der Server ist nicht erreichbar.';

  @override
  String get authSignIn => 'Anmelden';

  @override
  String get authSignOut => 'Abmelden';

  @override
  String get authEmail => 'E-Mail';

  @override
  String get authPassword => 'Passwort';

  @override
  String get authSubmit => 'Anmelden';

  @override
  String get authFailed => 'E-Mail oder Passwort ist falsch.';

  @override
  String get authRequired => 'Bitte melden Sie sich an, um fortzufahren.';

  @override
  String authSignedInAs(String email) {
    return 'Angemeldet als $email';
  }
}
