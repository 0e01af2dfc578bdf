import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app';
import { LoginPage } from './login';
import { SessionGate } from './session';
import './styles.css';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <SessionGate login={<LoginPage />}>
      <App />
    </SessionGate>
  </StrictMode>,
);
