// The viewer panel on its own page: a slide browser beside it, the grid size from the
// address (?rows=&columns=). Clicking a slide shows it in the selected viewport.

import { selectSlide, watchSelection } from "./selection.js";
import { mountViewer } from "./viewer-panel.js";

const options = JSON.parse(document.getElementById("viewer-options").textContent);
const host = document.querySelector(".viewer-panel-host");
window.studioViewerPanel = mountViewer(host, options);
watchSelection();
window.studioSelectSlide = selectSlide;
