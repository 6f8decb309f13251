const { src, dest } = require('gulp');

// Copies the node and credential icons (light and dark SVG) next to the compiled code in dist/.
function copyIcons() {
	return src('icons/**/*.svg', { encoding: false }).pipe(dest('dist/icons'));
}

exports['build:icons'] = copyIcons;
