// index.html for @rollup/plugin-html: the app's mount point and its entry script.
export const indexHtml = ({ files }) => `<!doctype html>
<html lang="en">
  <head>
    <meta charset="UTF-8" />
    <link rel="icon" href="data:," />
    <meta name="viewport" content="width=device-width, initial-scale=1.0" />
    <title>Vitrine fixture: Rollup 4 + Preact + TS</title>
  </head>
  <body>
    <div id="app"></div>
    ${files.js
      .filter((file) => file.isEntry)
      .map((entry) => `<script type="module" src="${entry.fileName}"></script>`)
      .join('\n    ')}
  </body>
</html>
`;
