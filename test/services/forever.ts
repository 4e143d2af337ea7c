// Never ends by itself: for --timeout.
setInterval(() => {}, 1000);
console.log("running forever");
