from provenance.contracts import main

main()
