import { ChatElement } from './chat-element.js';

// Captured while the <script> runs: the page can then embed the widget with one tag and no `server`.
const script = document.currentScript;
if (script instanceof HTMLScriptElement && script.src) ChatElement.defaultServer = new URL(script.src).origin;

if (!customElements.get('mcp-chat')) customElements.define('mcp-chat', ChatElement);
