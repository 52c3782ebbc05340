package prune

// ReadIndexPaged is ReadIndex with a page size of the test's choosing.
var ReadIndexPaged = readIndex
