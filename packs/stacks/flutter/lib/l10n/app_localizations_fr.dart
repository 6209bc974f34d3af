// ignore: unused_import
import 'package:intl/intl.dart' as intl;
import 'app_localizations.dart';

/// The translations for French (`fr`).
class AppLocalizationsFr extends AppLocalizations {
  AppLocalizationsFr([String locale = 'fr']) : super(locale);

  @override
  String get homeTitle => 'Bienvenue';

  @override
  String get homeIntro => 'Choisissez ce que vous voulez gérer.';

  @override
  String get navLanguage => 'Langue';

  @override
  String get listNew => 'Nouveau';

  @override
  String get listEmpty => 'Rien pour le moment.';

  @override
  String listCount(String shown, String total) {
    return '$shown sur $total';
  }

  @override
  String get listMore => 'Charger la suite';

  @override
  String detailTitle(String entity, String id) {
    return '$entity n° $id';
  }

  @override
  String get detailEdit => 'Modifier';

  @override
  String get detailDelete => 'Supprimer';

  @override
  String get detailConfirmDelete => 'Supprimer cet élément ? Cette action est définitive.';

  @override
  String formCreateTitle(String entity) {
    return 'Nouveau : $entity';
  }

  @override
  String formEditTitle(String entity, String id) {
    return 'Modifier : $entity n° $id';
  }

  @override
  String get formSave => 'Enregistrer';

  @override
  String get formSaving => 'Enregistrement…';

  @override
  String get formChoose => 'Choisir…';

  @override
  String get formNone => 'Aucun';

  @override
  String get formInvalid => 'Corrigez les champs signalés ci-dessous.';

  @override
  String get validationRequired => 'Ce champ est obligatoire.';

  @override
  String get validationInt => 'Saisissez un nombre entier.';

  @override
  String get validationFloat => 'Saisissez un nombre.';

  @override
  String get validationDate => 'Saisissez une date au format AAAA-MM-JJ.';

  @override
  String get validationDatetime => 'Saisissez une date et une heure au format AAAA-MM-JJ HH:MM.';

  @override
  String get validationEmail => 'Saisissez une adresse e-mail.';

  @override
  String get validationUrl => 'Saisissez une adresse commençant par http:// ou https://.';

  @override
  String validationTooLong(String max) {
    return '$max caractères au plus.';
  }

  @override
  String get commonLoading => 'Chargement…';

  @override
  String get commonYes => 'Oui';

  @override
  String get commonNo => 'Non';

  @override
  String get commonCancel => 'Annuler';

  @override
  String get commonRetry => 'Réessayer';

  @override
  String get commonError => 'Une erreur est survenue.';

  @override
  String get commonOffline => 'Le serveur est injoignable.';

  @override
  String get authSignIn => 'Connexion';

  @override
  String get authSignOut => 'Déconnexion';

  @override
  String get authEmail => 'E-mail';

  @override
  String get authPassword => 'Mot de passe';

  @override
  String get authSubmit => 'Se connecter';

  @override
  String get authFailed => 'E-mail ou mot de passe incorrect.';

  @override
  String get authRequired => 'Connectez-vous pour continuer.';

  @override
  String authSignedInAs(String email) {
    return 'Connecté en tant que $email';
  }
}
