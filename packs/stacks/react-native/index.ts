import { registerRootComponent } from 'expo';
import App from './App';

// Calls AppRegistry.registerComponent('main', () => App) and sets up the environment for Expo Go
// and for native builds alike.
registerRootComponent(App);
