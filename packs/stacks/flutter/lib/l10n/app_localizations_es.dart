// ignore: unused_import
import 'package:intl/intl.dart' as intl;
import 'app_localizations.dart';

/// The translations for Spanish (`es`).
class AppLocalizationsEs extends AppLocalizations {
  AppLocalizationsEs([String locale = 'es']) : super(locale);

  @override
  String get homeTitle => 'Bienvenido';

  @override
  String get homeIntro => 'Elija qué desea gestionar.';

  @override
  String get navLanguage => 'Idioma';

  @override
  String get listNew => 'Nuevo';

  @override
  String get listEmpty => 'Todavía no hay nada.';

  @override
  String listCount(String shown, String total) {
    return '$shown de $total';
  }

  @override
  String get listMore => 'Cargar más';

  @override
  String detailTitle(String entity, String id) {
    return '$entity n.º $id';
  }

  @override
  String get detailEdit => 'Editar';

  @override
  String get detailDelete => 'Eliminar';

  @override
  String get detailConfirmDelete => '¿Eliminar este elemento? No se puede deshacer.';

  @override
  String formCreateTitle(String entity) {
    return 'Nuevo: $entity';
  }

  @override
  String formEditTitle(String entity, String id) {
    return 'Editar: $entity n.º $id';
  }

  @override
  String get formSave => 'Guardar';

  @override
  String get formSaving => 'Guardando…';

  @override
  String get formChoose => 'Elegir…';

  @override
  String get formNone => 'Ninguno';

  @override
  String get formInvalid => 'Corrija los campos indicados abajo.';

  @override
  String get validationRequired => 'Este campo es obligatorio.';

  @override
  String get validationInt => 'Introduzca un número entero.';

  @override
  String get validationFloat => 'Introduzca un número.';

  @override
  String get validationDate => 'Introduzca una fecha como AAAA-MM-DD.';

  @override
  String get validationDatetime => 'Introduzca una fecha y hora como AAAA-MM-DD HH:MM.';

  @override
  String get validationEmail => 'Introduzca una dirección de correo.';

  @override
  String get validationUrl => 'Introduzca una dirección que empiece por http:// o https://.';

  @override
  String validationTooLong(String max) {
    return 'Como máximo $max caracteres.';
  }

  @override
  String get commonLoading => 'Cargando…';

  @override
  String get commonYes => 'Sí';

  @override
  String get commonNo => 'No';

  @override
  String get commonCancel => 'Cancelar';

  @override
  String get commonRetry => 'Reintentar';

  @override
  String get commonError => 'Algo salió mal.';

  @override
  String get commonOffline => 'No se puede contactar con el servidor.';

  @override
  String get authSignIn => 'Iniciar sesión';

  @override
  String get authSignOut => 'Cerrar sesión';

  @override
  String get authEmail => 'Correo electrónico';

  @override
  String get authPassword => 'Contraseña';

  @override
  String get authSubmit => 'Entrar';

  @override
  String get authFailed => 'Correo o contraseña incorrectos.';

  @override
  String get authRequired => 'Inicie sesión para continuar.';

  @override
  String authSignedInAs(String email) {
    return 'Sesión iniciada como $email';
  }
}
