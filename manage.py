#!/usr/bin/env python
from jiliang.manage import main

if __name__ == "__main__":
    main()
