// The shop's queue, before vitrine.js loads: its onError hook keeps every warning's code.
window.vitrineWarnings = [];
window.vitrine = window.vitrine || [];
window.vitrine.push(['onError', (error) => window.vitrineWarnings.push(error.code)]);
