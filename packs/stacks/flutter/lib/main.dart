import 'package:flutter/material.dart';
import 'package:http/http.dart' as http;

import 'src/api/api_client.dart';
import 'src/app.dart';
import 'src/config.dart';

void main() {
  runApp(App(api: ApiClient(http.Client(), baseUrl: apiUrl)));
}
