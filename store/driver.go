package store

import _ "modernc.org/sqlite" // database/sql driver "sqlite" (pure Go)
