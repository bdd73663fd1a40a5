package analysis

// sharedCorpora is ../shared/corpora seen from this package.
const sharedCorpora = "../../../shared/corpora"
