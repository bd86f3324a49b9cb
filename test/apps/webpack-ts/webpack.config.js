// A webpack 5 production build as a shop's app has it: TypeScript through babel-loader (types only
// stripped; `npm run typecheck` checks them), index.html from html-webpack-plugin. Nothing here is
// about Vitrine: its worker and .wasm files are emitted by webpack's own `new URL(…, import.meta.url)` handling.
import HtmlWebpackPlugin from 'html-webpack-plugin';
import { resolve } from 'node:path';

export default {
  entry: './src/main.tsx',
  output: {
    path: resolve('dist'),
    filename: '[name].[contenthash].js',
    clean: true,
  },
  resolve: { extensions: ['.tsx', '.ts', '.js'] },
  module: {
    rules: [
      {
        test: /\.tsx?$/,
        exclude: /node_modules/,
        use: {
          loader: 'babel-loader',
          options: {
            presets: ['@babel/preset-typescript'],
            plugins: [['@babel/plugin-transform-react-jsx', { runtime: 'automatic', importSource: 'preact' }]],
          },
        },
      },
    ],
  },
  plugins: [new HtmlWebpackPlugin({ template: './index.html' })],
};
