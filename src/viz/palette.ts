/** Group colours shared by the PNG plot (the page's CSS repeats them): distinct, readable on white, colour-blind aware (Okabe–Ito based). */
export const GROUP_COLOURS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#7A5195', '#B8860B', '#2F4B7C', '#A05195'];
