// Vitrine's queued global: calls made before vitrine.js has loaded are kept and run in order.
window.vitrine = window.vitrine || [];
window.vitrine.push(['onError', (error) => document.documentElement.setAttribute('data-vitrine-warning', error.code)]);
