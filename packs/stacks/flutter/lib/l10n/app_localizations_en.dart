// ignore: unused_import
import 'package:intl/intl.dart' as intl;
import 'app_localizations.dart';

/// The translations for English (`en`).
class AppLocalizationsEn extends AppLocalizations {
  AppLocalizationsEn([String locale = 'en']) : super(locale);

  @override
  String get homeTitle => 'Welcome';

  @override
  String get homeIntro => 'Choose what to manage.';

  @override
  String get navLanguage => 'Language';

  @override
  String get listNew => 'New';

  @override
  String get listEmpty => 'Nothing here yet.';

  @override
  String listCount(String shown, String total) {
    return '$shown of $total';
  }

  @override
  String get listMore => 'Load more';

  @override
  String detailTitle(String entity, String id) {
    return '$entity #$id';
  }

  @override
  String get detailEdit => 'Edit';

  @override
  String get detailDelete => 'Delete';

  @override
  String get detailConfirmDelete => 'Delete this item? This cannot be undone.';

  @override
  String formCreateTitle(String entity) {
    return 'New: $entity';
  }

  @override
  String formEditTitle(String entity, String id) {
    return 'Edit: $entity #$id';
  }

  @override
  String get formSave => 'Save';

  @override
  String get formSaving => 'Saving…';

  @override
  String get formChoose => 'Choose…';

  @override
  String get formNone => 'None';

  @override
  String get formInvalid => 'Please correct the fields marked below.';

  @override
  String get validationRequired => 'This field is required.';

  @override
  String get validationInt => 'Enter a whole number.';

  @override
  String get validationFloat => 'Enter a number.';

  @override
  String get validationDate => 'Enter a date as YYYY-MM-DD.';

  @override
  String get validationDatetime => 'Enter a date and time as YYYY-MM-DD HH:MM.';

  @override
  String get validationEmail => 'Enter an email address.';

  @override
  String get validationUrl => 'Enter an address starting with http:// or https://.';

  @override
  String validationTooLong(String max) {
    return 'At most $max characters.';
  }

  @override
  String get commonLoading => 'Loading…';

  @override
  String get commonYes => 'Yes';

  @override
  String get commonNo => 'No';

  @override
  String get commonCancel => 'Cancel';

  @override
  String get commonRetry => 'Try again';

  @override
  String get commonError => 'Something went wrong.';

  @override
  String get commonOffline => 'The server cannot be reached.';

  @override
  String get authSignIn => 'Sign in';

  @override
  String get authSignOut => 'Sign out';

  @override
  String get authEmail => 'Email';

  @override
  String get authPassword => 'Password';

  @override
  String get authSubmit => 'Sign in';

  @override
  String get authFailed => 'Wrong email or password.';

  @override
  String get authRequired => 'Please sign in to continue.';

  @override
  String authSignedInAs(String email) {
    return 'Signed in as $email';
  }
}
