// ignore: unused_import
import 'package:intl/intl.dart' as intl;
import 'app_localizations.dart';

/// The translations for Arabic (`ar`).
class AppLocalizationsAr extends AppLocalizations {
  AppLocalizationsAr([String locale = 'ar']) : super(locale);

  @override
  String get homeTitle => 'مرحبًا';

  @override
  String get homeIntro => 'اختر ما تريد إدارته.';

  @override
  String get navLanguage => 'اللغة';

  @override
  String get listNew => 'جديد';

  @override
  String get listEmpty => 'لا يوجد شيء بعد.';

  @override
  String listCount(String shown, String total) {
    return '$shown من $total';
  }

  @override
  String get listMore => 'تحميل المزيد';

  @override
  String detailTitle(String entity, String id) {
    return '$entity رقم $id';
  }

  @override
  String get detailEdit => 'تعديل';

  @override
  String get detailDelete => 'حذف';

  @override
  String get detailConfirmDelete => 'هل تريد حذف هذا العنصر؟ لا يمكن التراجع عن ذلك.';

  @override
  String formCreateTitle(String entity) {
    return 'جديد: $entity';
  }

  @override
  String formEditTitle(String entity, String id) {
    return 'تعديل: $entity رقم $id';
  }

  @override
  String get formSave => 'حفظ';

  @override
  String get formSaving => 'جارٍ الحفظ…';

  @override
  String get formChoose => 'اختر…';

  @override
  String get formNone => 'لا شيء';

  @override
  String get formInvalid => 'يرجى تصحيح الحقول المشار إليها أدناه.';

  @override
  String get validationRequired => 'هذا الحقل مطلوب.';

  @override
  String get validationInt => 'أدخل عددًا صحيحًا.';

  @override
  String get validationFloat => 'أدخل عددًا.';

  @override
  String get validationDate => 'أدخل تاريخًا بالصيغة YYYY-MM-DD.';

  @override
  String get validationDatetime => 'أدخل تاريخًا ووقتًا بالصيغة YYYY-MM-DD HH:MM.';

  @override
  String get validationEmail => 'أدخل عنوان بريد إلكتروني.';

  @override
  String get validationUrl => 'أدخل عنوانًا يبدأ بـ http:// أو https://.';

  @override
  String validationTooLong(String max) {
    return '$max حرفًا على الأكثر.';
  }

  @override
  String get commonLoading => 'جارٍ التحميل…';

  @override
  String get commonYes => 'نعم';

  @override
  String get commonNo => 'لا';

  @override
  String get commonCancel => 'إلغاء';

  @override
  String get commonRetry => 'أعد المحاولة';

  @override
  String get commonError => 'حدث خطأ ما.';

  @override
  String get commonOffline => 'تعذّر الوصول إلى الخادم.';

  @override
  String get authSignIn => 'تسجيل الدخول';

  @override
  String get authSignOut => 'تسجيل الخروج';

  @override
  String get authEmail => 'البريد الإلكتروني';

  @override
  String get authPassword => 'كلمة المرور';

  @override
  String get authSubmit => 'دخول';

  @override
  String get authFailed => 'البريد الإلكتروني أو كلمة المرور غير صحيحة.';

  @override
  String get authRequired => 'يرجى تسجيل الدخول للمتابعة.';

  @override
  String authSignedInAs(String email) {
    return 'تم تسجيل الدخول باسم $email';
  }
}
