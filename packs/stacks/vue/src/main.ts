import { createApp } from 'vue';
import App from './App.vue';
import { createI18n } from './i18n/i18n';
import { createAppRouter } from './router';
import './styles.css';

createApp(App).use(createI18n()).use(createAppRouter()).mount('#app');
